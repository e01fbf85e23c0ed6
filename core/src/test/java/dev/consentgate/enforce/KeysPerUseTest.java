package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.CONTACTS;
import static dev.consentgate.enforce.EnforcementDriver.LEAD_SCORES;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static dev.consentgate.enforce.EnforcementDriver.leadScore;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.config.KeyUse;
import dev.consentgate.output.OutputHeaders;
import dev.consentgate.policy.KeyRing;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One HMAC key per use, each named where its hashes are written, and a rotation that keeps old records findable. */
class KeysPerUseTest {

    private static final String EMAIL = "marketing.communications.email";
    private static final String ANALYTICS = "analytics.reporting";
    private static final String PSEUDONYM_KEY = "pseudonym-key-0123456789-ABCDEFGHIJKLMN";
    private static final String FIELD_KEY = "field-hash-key-0123456789-abcdefghijklmn";
    private static final String ROTATED_PSEUDONYM_KEY = "pseudonym-key-2027-0123456789-OPQRSTUVWXYZ";
    private static final Map<String, Object> TWO_KEYS = Map.of(
            KeyUse.PSEUDONYM.keyConfig(), PSEUDONYM_KEY, KeyUse.PSEUDONYM.idConfig(), "pseudonym-2026",
            KeyUse.FIELD_HASH.keyConfig(), FIELD_KEY, KeyUse.FIELD_HASH.idConfig(), "fields-2026");

    private final List<EnforcementDriver> drivers = new ArrayList<>();

    @AfterEach
    void close() {
        drivers.forEach(EnforcementDriver::close);
    }

    private EnforcementDriver driver(Map<String, Object> overrides) {
        return driver(EnforcementDriver.examplePolicy(), overrides);
    }

    private EnforcementDriver driver(String policy, Map<String, Object> overrides) {
        EnforcementDriver driver = new EnforcementDriver(policy, overrides);
        drivers.add(driver);
        return driver;
    }

    private static String hash(String key, String value) {
        return new KeyedHash(key.getBytes(StandardCharsets.UTF_8)).hex(value);
    }

    private static String key(TestRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    @Test
    void aRedactedRecordHashesItsKeyWithThePseudonymKeyAndItsFieldsWithTheFieldKeyNamingBoth() {
        EnforcementDriver driver = driver(TWO_KEYS);

        driver.send(contact("e-1", "cust-1", 2_000, ANALYTICS));

        TestRecord<byte[], byte[]> record = driver.purpose(ANALYTICS).get(0);
        assertThat(key(record)).isEqualTo(hash(PSEUDONYM_KEY, "cust-1"));
        GenericRecord value = driver.decode("x", record.value());
        assertThat(value.get("customerId").toString()).isEqualTo(hash(FIELD_KEY, "cust-1")).isNotEqualTo(key(record));
        assertThat(value.get("email").toString()).isEqualTo(hash(FIELD_KEY, "jane.doe@example.com"));
        assertThat(header(record, OutputHeaders.PSEUDONYM_KEY_ID)).isEqualTo("pseudonym-2026");
        assertThat(header(record, OutputHeaders.FIELD_HASH_KEY_ID)).isEqualTo("fields-2026");
        DecisionRecord audit = driver.audits().get(0);
        assertThat(audit.getCustomerIdHmac()).isEqualTo(hash(PSEUDONYM_KEY, "cust-1"));
        assertThat(audit.getPseudonymKeyId()).isEqualTo("pseudonym-2026");
    }

    @Test
    void aRecordNamesOnlyTheKeysOfTheHashesItHolds() {
        EnforcementDriver driver = driver(TWO_KEYS);
        for (String purpose : List.of(EMAIL, "train_ai_system")) {
            driver.consent("cust-2", purpose, ConsentStatus.GRANTED, 1_000);
        }

        driver.send(contact("e-2", "cust-2", 2_000, EMAIL));
        driver.send(LEAD_SCORES, "cust-2", leadScore("e-3", "cust-2", 3_000, "train_ai_system"), 3_000);

        // The customer id in the clear, no field hashed: no key named.
        TestRecord<byte[], byte[]> email = driver.purpose(EMAIL).get(0);
        assertThat(key(email)).isEqualTo("cust-2");
        assertThat(email.headers().lastHeader(OutputHeaders.PSEUDONYM_KEY_ID)).isNull();
        assertThat(email.headers().lastHeader(OutputHeaders.FIELD_HASH_KEY_ID)).isNull();
        // A hashed key, no field hashed: only the pseudonym key.
        TestRecord<byte[], byte[]> training = driver.purpose("train_ai_system").get(0);
        assertThat(key(training)).isEqualTo(hash(PSEUDONYM_KEY, "cust-2"));
        assertThat(header(training, OutputHeaders.PSEUDONYM_KEY_ID)).isEqualTo("pseudonym-2026");
        assertThat(training.headers().lastHeader(OutputHeaders.FIELD_HASH_KEY_ID)).isNull();
    }

    @Test
    void aSingleHmacKeyServesEveryUseUnderItsId() {
        EnforcementDriver driver = driver(Map.of(ConsentGateConfig.HMAC_KEY_ID, "vault:crm-hmac/3"));

        driver.send(contact("e-1", "cust-1", 2_000, ANALYTICS));

        TestRecord<byte[], byte[]> record = driver.purpose(ANALYTICS).get(0);
        assertThat(key(record)).isEqualTo(hash(EnforcementDriver.HMAC_KEY, "cust-1"));
        assertThat(driver.decode("x", record.value()).get("email").toString()).isEqualTo(hash(EnforcementDriver.HMAC_KEY, "jane.doe@example.com"));
        assertThat(header(record, OutputHeaders.PSEUDONYM_KEY_ID)).isEqualTo("vault:crm-hmac/3");
        assertThat(header(record, OutputHeaders.FIELD_HASH_KEY_ID)).isEqualTo("vault:crm-hmac/3");
        assertThat(driver.audits().get(0).getPseudonymKeyId()).isEqualTo("vault:crm-hmac/3");
    }

    @Test
    void keyIdHeadersSentUpstreamNeverPassEvenWhenListed() {
        String policy = EnforcementDriver.examplePolicy().replaceFirst("pass_headers: \\[traceparent]",
                "pass_headers: [traceparent, consent-pseudonym-key-id, consent-field-hash-key-id]");
        EnforcementDriver driver = driver(policy, TWO_KEYS);
        driver.consent("cust-3", EMAIL, ConsentStatus.GRANTED, 1_000);

        driver.sendRawWithHeaders(CONTACTS, "cust-3", driver.encode(CONTACTS, contact("e-3", "cust-3", 2_000, EMAIL, ANALYTICS)), 2_000,
                OutputHeaders.PSEUDONYM_KEY_ID, "forged", OutputHeaders.FIELD_HASH_KEY_ID, "forged");

        TestRecord<byte[], byte[]> email = driver.purpose(EMAIL).get(0);
        assertThat(email.headers().headers(OutputHeaders.PSEUDONYM_KEY_ID)).isEmpty();
        assertThat(email.headers().headers(OutputHeaders.FIELD_HASH_KEY_ID)).isEmpty();
        TestRecord<byte[], byte[]> analytics = driver.purpose(ANALYTICS).get(0);
        assertThat(analytics.headers().headers(OutputHeaders.PSEUDONYM_KEY_ID)).extracting(h -> utf8(h.value())).containsExactly("pseudonym-2026");
        assertThat(analytics.headers().headers(OutputHeaders.FIELD_HASH_KEY_ID)).extracting(h -> utf8(h.value())).containsExactly("fields-2026");
    }

    @Test
    void noPurposeRecordCarriesAKeyInAHeaderItsKeyOrItsValue() {
        EnforcementDriver driver = driver(TWO_KEYS);
        for (String purpose : List.of(EMAIL, "marketing.advertising", "train_ai_system")) {
            driver.consent("cust-4", purpose, ConsentStatus.GRANTED, 1_000);
        }

        driver.send(contact("e-4", "cust-4", 2_000, EMAIL, ANALYTICS, "marketing.advertising"));
        driver.send(LEAD_SCORES, "cust-4", leadScore("e-5", "cust-4", 3_000, ANALYTICS, "train_ai_system"), 3_000);

        List<TestRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String purpose : List.of(EMAIL, ANALYTICS, "marketing.advertising", "train_ai_system")) {
            records.addAll(driver.purpose(purpose));
        }
        assertThat(records).hasSize(5);
        for (String secret : List.of(PSEUDONYM_KEY, FIELD_KEY, EnforcementDriver.HMAC_KEY)) {
            String hex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
            for (TestRecord<byte[], byte[]> record : records) {
                List<String> carried = new ArrayList<>(List.of(key(record), new String(record.value(), StandardCharsets.ISO_8859_1)));
                for (Header header : record.headers()) {
                    carried.add(utf8(header.value()));
                }
                assertThat(carried).allSatisfy(text -> assertThat(text).doesNotContain(secret, hex));
            }
        }
    }

    @Test
    void afterARotationNewRecordsCarryTheNewIdAndOldAndNewRecordsAreFoundThroughTheKeyRing() {
        EnforcementDriver before = driver(TWO_KEYS);
        before.send(contact("e-old", "cust-5", 2_000, ANALYTICS));
        // The rotation: a new current pseudonym key, the old one kept in the previous-keys file under its id.
        Map<String, Object> rotated = Map.of(
                KeyUse.PSEUDONYM.keyConfig(), ROTATED_PSEUDONYM_KEY, KeyUse.PSEUDONYM.idConfig(), "pseudonym-2027",
                KeyUse.FIELD_HASH.keyConfig(), FIELD_KEY, KeyUse.FIELD_HASH.idConfig(), "fields-2026",
                ConsentGateConfig.HMAC_KEY, EnforcementDriver.HMAC_KEY);
        EnforcementDriver after = driver(rotated);
        after.send(contact("e-new", "cust-5", 3_000, ANALYTICS));

        DecisionRecord oldAudit = before.audits().get(0);
        DecisionRecord newAudit = after.audits().get(0);
        assertThat(oldAudit.getPseudonymKeyId()).isEqualTo("pseudonym-2026");
        assertThat(newAudit.getPseudonymKeyId()).isEqualTo("pseudonym-2027");
        assertThat(header(after.purpose(ANALYTICS).get(0), OutputHeaders.PSEUDONYM_KEY_ID)).isEqualTo("pseudonym-2027");
        assertThat(newAudit.getCustomerIdHmac()).isNotEqualTo(oldAudit.getCustomerIdHmac());

        KeyRing ring = new ConsentGateConfig(rotated).keyRing(KeyUse.PSEUDONYM, "pseudonym-2026=" + PSEUDONYM_KEY + "\n");
        assertThat(ring.hashesOf("cust-5")).contains(oldAudit.getCustomerIdHmac(), newAudit.getCustomerIdHmac());
        assertThat(ring.hashesOf("cust-6")).doesNotContain(oldAudit.getCustomerIdHmac(), newAudit.getCustomerIdHmac());
        assertThat(ring.ids()).containsExactlyInAnyOrder("pseudonym-2027", "pseudonym-2026");
    }

    private static String utf8(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }
}
