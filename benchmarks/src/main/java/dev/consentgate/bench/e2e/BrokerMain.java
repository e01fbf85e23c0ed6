package dev.consentgate.bench.e2e;

import dev.consentgate.testing.EmbeddedKafka;

/** The child JVM of the broker: starts the demo's single-node KRaft broker and runs until its stdin closes. */
public final class BrokerMain {

    static final String BOOTSTRAP = "bootstrap";

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            System.out.println(BOOTSTRAP + "=" + kafka.bootstrapServers());
            System.out.flush();
            // The parent closes our stdin when it is done, or dies: either way read() returns -1.
            while (System.in.read() >= 0) {
                Thread.onSpinWait();
            }
        }
    }
}
