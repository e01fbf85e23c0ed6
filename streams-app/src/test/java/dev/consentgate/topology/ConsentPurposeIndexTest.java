package dev.consentgate.topology;

import static dev.consentgate.topology.EnforcementDriver.contact;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.schema.ConsentStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The consent history's per-customer index of the keys that have a version, which lets a lookup skip the
 * others. The decisions it leads to are checked against a reference model by ConsentHistoryPropertyTest; here,
 * what it holds, and that a customer stored before it existed is still looked up in full.
 */
class ConsentPurposeIndexTest {

    private static final String EMAIL = "marketing.communications.email";
    private static final String REPORTING = "analytics.reporting";

    @Test
    void theIndexListsEachKeyWithAVersionOnceAndNothingForCustomersWithoutRecords() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy())) {
            driver.consent("cust-a", "marketing", ConsentStatus.GRANTED, 1_000);
            driver.consent("cust-a", REPORTING, ConsentStatus.GRANTED, 1_000);
            driver.consent("cust-a", "marketing", ConsentStatus.WITHDRAWN, 2_000);
            driver.erasure("cust-a", 3_000);
            driver.send(contact("e-none", "cust-none", 4_000, EMAIL));

            assertThat(driver.purposeIndex().get("cust-a")).isEqualTo("|marketing|analytics.reporting|*|");
            assertThat(driver.purposeIndex().get("cust-none")).isNull();
            assertThat(EnforcementDriver.firstDecisions(driver.audits())).containsExactly("e-none:DROP:UNKNOWN_CUSTOMER");
        }
    }

    @Test
    void aConsentTooOldToStoreIsNotListed() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy(),
                Map.of(ConsentGateConfig.HISTORY_RETENTION_MS, 10_000L))) {
            driver.consent("cust-b", "marketing", ConsentStatus.GRANTED, 100_000);
            driver.consent("cust-b", REPORTING, ConsentStatus.GRANTED, 1_000);

            assertThat(driver.purposeIndex().get("cust-b")).isEqualTo("|marketing|");
        }
    }

    @Test
    void anEntryNoLongerKeptInMemoryIsReadBackFromTheStore() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy(),
                Map.of(ConsentGateConfig.INDEX_CACHE_CUSTOMERS, 1))) {
            // Given: cust-c's entry, then cust-d's, which takes the one place in memory
            driver.consent("cust-c", "marketing", ConsentStatus.GRANTED, 1_000);
            driver.consent("cust-d", REPORTING, ConsentStatus.GRANTED, 1_000);

            // When: cust-c gets a second purpose, and an event declares both
            driver.consent("cust-c", REPORTING, ConsentStatus.GRANTED, 2_000);
            driver.send(contact("e-c", "cust-c", 3_000, EMAIL, REPORTING));
            driver.send(contact("e-d", "cust-d", 3_000, REPORTING));

            // Then: the second purpose was added to the stored entry, and both customers' consents are found
            assertThat(driver.purposeIndex().get("cust-c")).isEqualTo("|marketing|analytics.reporting|");
            assertThat(driver.purposeIndex().get("cust-d")).isEqualTo("|analytics.reporting|");
            assertThat(driver.audits()).extracting(audit -> audit.getEventId() + " " + audit.getDecisions().stream()
                            .map(d -> d.getPurpose() + ":" + d.getDecision()).toList())
                    .containsExactly("e-c [" + EMAIL + ":PERMIT, " + REPORTING + ":PERMIT]", "e-d [" + REPORTING + ":PERMIT]");
        }
    }

    @Test
    void aCustomerStoredBeforeTheIndexExistedStaysUnlistedAndIsLookedUpKeyByKey() {
        // The store is changed behind the processor's back below, so it must not answer from the entries it keeps in memory.
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy(),
                Map.of(ConsentGateConfig.INDEX_CACHE_CUSTOMERS, 0))) {
            // Given: a customer whose consent was stored by a version without the index
            driver.consent("cust-old", "marketing", ConsentStatus.GRANTED, 1_000);
            driver.purposeIndex().delete("cust-old");

            // When: a consent to another purpose comes, then an event declaring both
            driver.consent("cust-old", REPORTING, ConsentStatus.GRANTED, 2_000);
            driver.send(contact("e-both", "cust-old", 3_000, EMAIL, REPORTING));

            // Then: an entry of the new purpose alone would hide the older consent; none is started
            assertThat(driver.purposeIndex().get("cust-old")).isNull();
            assertThat(driver.audits().get(0).getDecisions())
                    .extracting(d -> d.getPurpose() + ":" + d.getDecision() + ":" + String.join(",", d.getReasons()))
                    .containsExactly(EMAIL + ":PERMIT:CONSENT_GRANTED,CONSENT_INHERITED", REPORTING + ":PERMIT:CONSENT_GRANTED");
        }
    }
}
