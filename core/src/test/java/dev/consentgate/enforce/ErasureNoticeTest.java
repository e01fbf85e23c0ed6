package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.HMAC_KEY;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.schema.ConsentStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every erasure request writes one notice to privacy.erasure: who, since when, and per purpose topic what it received of
 * that customer, from the delivery summary kept as records are delivered; nothing of any other customer.
 */
class ErasureNoticeTest {

    private static final String ERASURES = "privacy.erasure";
    private static final long T0 = 1_767_225_600_000L;
    private static final String C1_PSEUDONYM = new KeyedHash(HMAC_KEY.getBytes(StandardCharsets.UTF_8)).hex("c-1");

    private EnforcementDriver driver;

    @BeforeEach
    void start() {
        driver = new EnforcementDriver(EnforcementDriver.examplePolicy());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void theNoticeNamesEachPurposeTopicWithItsRecordsTimesAndEventsOfThisCustomerOnly() {
        driver.consent("c-1", "marketing", ConsentStatus.GRANTED, T0);
        driver.consent("c-2", "marketing", ConsentStatus.GRANTED, T0);
        driver.send(contact("e-2", "c-1", T0 + 2_000, "marketing.communications.email"));
        driver.send(contact("e-1", "c-1", T0 + 1_000, "marketing.communications.email", "analytics.reporting"));
        driver.send(contact("e-other", "c-2", T0 + 1_500, "marketing.communications.email", "personalize.profiling"));
        driver.erasure("c-1", T0 + 10_000);

        TestRecord<byte[], byte[]> record = only(driver.records(ERASURES));
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("c-1");
        assertThat(record.timestamp()).isEqualTo(T0 + 10_000);
        GenericRecord notice = driver.decode(ERASURES, record.value());
        assertThat(notice.toString()).isEqualTo("{\"customerId\": \"c-1\", \"requestedAt\": " + (T0 + 10_000)
                + ", \"source\": \"dsar-portal\", \"consentId\": null, \"requestTopic\": \"consent.events\", \"requestPartition\": 0, "
                + "\"requestOffset\": 2, \"policyVersion\": \"2026-12-06.1\", \"deliveries\": ["
                + "{\"topic\": \"crm.purpose.analytics.reporting\", \"recordKey\": \"" + C1_PSEUDONYM + "\", \"records\": 1, "
                + "\"firstDeliveredAt\": " + (T0 + 1_000) + ", \"lastDeliveredAt\": " + (T0 + 1_000)
                + ", \"firstEventId\": \"e-1\", \"lastEventId\": \"e-1\", \"partition\": 0, \"firstOffset\": 0, \"lastOffset\": 0}, "
                + "{\"topic\": \"crm.purpose.marketing.communications.email\", \"recordKey\": \"c-1\", \"records\": 2, "
                + "\"firstDeliveredAt\": " + (T0 + 2_000) + ", \"lastDeliveredAt\": " + (T0 + 1_000)
                + ", \"firstEventId\": \"e-2\", \"lastEventId\": \"e-1\", \"partition\": 0, \"firstOffset\": 0, \"lastOffset\": 1}]}");
    }

    @Test
    void aSecondRequestNamesOnlyWhatWasDeliveredSinceTheFirst() {
        driver.consent("c-1", "marketing", ConsentStatus.GRANTED, T0);
        driver.send(contact("e-1", "c-1", T0 + 1_000, "marketing.communications.email"));
        driver.erasure("c-1", T0 + 2_000);
        // essential.service runs on contract: after the erasure nothing more reaches any purpose but a legal obligation
        driver.send(contact("e-2", "c-1", T0 + 3_000, "marketing.communications.email", "essential.service"));
        driver.erasure("c-1", T0 + 4_000);

        List<TestRecord<byte[], byte[]>> notices = driver.records(ERASURES);
        assertThat(notices).hasSize(2);
        assertThat(deliveries(notices.get(0))).isEqualTo(c1EmailDeliveries(1, T0 + 1_000, T0 + 1_000, "e-1", "e-1", 0, 0));
        assertThat(deliveries(notices.get(1))).isEqualTo("[]");
    }

    /** One summary kept in memory per task: every other customer's is read back from the store, and must count the same. */
    @Test
    void summariesReadBackFromTheStoreCountAsThoseKeptInMemory() {
        driver.close();
        driver = new EnforcementDriver(EnforcementDriver.examplePolicy(), Map.of(ConsentGateConfig.CACHED_CUSTOMERS, 1));
        driver.consent("c-1", "marketing", ConsentStatus.GRANTED, T0);
        driver.consent("c-2", "marketing", ConsentStatus.GRANTED, T0);
        driver.send(contact("e-1", "c-1", T0 + 1_000, "marketing.communications.email"));
        driver.send(contact("e-2", "c-2", T0 + 1_100, "marketing.communications.email"));
        driver.send(contact("e-3", "c-1", T0 + 1_200, "marketing.communications.email"));
        driver.erasure("c-1", T0 + 2_000);
        driver.consent("c-1", "marketing", ConsentStatus.GRANTED, T0 + 3_000);
        driver.send(contact("e-4", "c-2", T0 + 3_100, "marketing.communications.email"));
        driver.send(contact("e-5", "c-1", T0 + 3_200, "marketing.communications.email"));
        driver.erasure("c-1", T0 + 4_000);

        List<TestRecord<byte[], byte[]>> notices = driver.records(ERASURES);
        assertThat(notices).hasSize(2);
        assertThat(deliveries(notices.get(0))).isEqualTo(c1EmailDeliveries(2, T0 + 1_000, T0 + 1_200, "e-1", "e-3", 0, 2));
        assertThat(deliveries(notices.get(1))).isEqualTo(c1EmailDeliveries(1, T0 + 3_200, T0 + 3_200, "e-5", "e-5", 4, 4));
    }

    @Test
    void aCustomerNothingWasDeliveredOfStillGetsANotice() {
        driver.erasure("c-9", T0);

        assertThat(deliveries(only(driver.records(ERASURES)))).isEqualTo("[]");
    }

    @Test
    void aRecordHeldForReviewIsNamedOnTheReviewTopicWhereItWaits() {
        driver.close();
        driver = new EnforcementDriver(ReviewQueueTest.POLICY);
        driver.consent("c-1", "sales", ConsentStatus.GRANTED, T0);
        driver.send(contact("e-1", "c-1", T0 + 1_000, "sales.prospecting"));
        driver.erasure("c-1", T0 + 2_000);

        assertThat(deliveries(only(driver.records(ERASURES)))).isEqualTo("[{\"topic\": \"consent.review\", \"recordKey\": \""
                + C1_PSEUDONYM + "\", \"records\": 1, \"firstDeliveredAt\": " + (T0 + 1_000) + ", \"lastDeliveredAt\": " + (T0 + 1_000)
                + ", \"firstEventId\": \"e-1\", \"lastEventId\": \"e-1\", \"partition\": 0, \"firstOffset\": 0, \"lastOffset\": 0}]");
    }

    /** A notice's deliveries when c-1's records reached the email purpose topic alone, keyed by the customer id. */
    private static String c1EmailDeliveries(int records, long firstAt, long lastAt, String firstEvent, String lastEvent, int firstOffset,
                                            int lastOffset) {
        return "[{\"topic\": \"crm.purpose.marketing.communications.email\", \"recordKey\": \"c-1\", \"records\": " + records
                + ", \"firstDeliveredAt\": " + firstAt + ", \"lastDeliveredAt\": " + lastAt + ", \"firstEventId\": \"" + firstEvent
                + "\", \"lastEventId\": \"" + lastEvent + "\", \"partition\": 0, \"firstOffset\": " + firstOffset
                + ", \"lastOffset\": " + lastOffset + "}]";
    }

    private String deliveries(TestRecord<byte[], byte[]> record) {
        return driver.decode(ERASURES, record.value()).get("deliveries").toString();
    }

    private static <T> T only(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }
}
