package dev.consentgate.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-process KRaft broker for one test class: registered as
 * {@code @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();}, it starts before the
 * class's {@code @BeforeAll} methods and stops after its {@code @AfterAll} methods, so those may use it.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    public String bootstrapServers() {
        if (kafka == null) {
            throw new IllegalStateException("the broker runs only between the test class's beforeAll and afterAll");
        }
        return kafka.bootstrapServers();
    }
}
