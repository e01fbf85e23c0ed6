package dev.consentgate.audit;

import dev.consentgate.enforce.EnforcementDriver;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Audit records are linked into a hash chain and say how much of the consent topic their decision had read. */
class AuditChainTest {

    private static final String EMAIL = "marketing.communications.email";

    private final EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy());

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void auditRecordsFormAChainFromSequenceZeroAndRecordTheConsentOffsetTheirDecisionSaw() {
        driver.consent("cust-1", EMAIL, ConsentStatus.GRANTED, 1_000);              // consent offset 0
        driver.consent("cust-2", EMAIL, ConsentStatus.GRANTED, 1_000);              // 1
        driver.send(contact("e-1", "cust-1", 2_000, EMAIL));
        driver.consent("cust-1", EMAIL, ConsentStatus.WITHDRAWN, 1_500);            // 2, late
        driver.send(contact("e-2", "cust-1", 2_000, EMAIL));
        driver.sendRaw("consent.events", "cust-1", new byte[] {0, 0, 0});          // 3, unreadable: never reaches the history
        driver.send(contact("e-3", "cust-2", 2_000, EMAIL));

        List<TestRecord<byte[], byte[]>> raw = driver.records("consent.audit");
        List<DecisionRecord> audits = raw.stream().map(r -> driver.audit(r.value())).toList();
        assertThat(audits).extracting(DecisionRecord::getEventId).containsExactly("e-1", "e-2", "e-3");
        assertThat(audits).extracting(DecisionRecord::getConsentOffset).containsExactly(1L, 2L, 2L);
        assertThat(audits).extracting(DecisionRecord::getConsentPartition).containsExactly(0, 0, 0);
        assertThat(audits).extracting(a -> a.getChain().getSequence()).containsExactly(0L, 1L, 2L);
        assertThat(audits.get(0).getChain().getPreviousHash().bytes()).isEqualTo(ChainHash.zeros());
        for (int i = 0; i < raw.size(); i++) {
            byte[] value = raw.get(i).value();
            assertThat(audits.get(i).getChain().getHash().bytes()).isEqualTo(ChainHash.computedHash(value));
            if (i > 0) {
                assertThat(ChainHash.previousHash(value)).isEqualTo(ChainHash.storedHash(raw.get(i - 1).value()));
            }
        }
        ChainVerifier verifier = new ChainVerifier(0, true);
        for (int i = 0; i < raw.size(); i++) {
            verifier.accept(i, audits.get(i).getChain().getSequence(), raw.get(i).value());
        }
        assertThat(verifier.finish().problems()).isEmpty();
    }
}
