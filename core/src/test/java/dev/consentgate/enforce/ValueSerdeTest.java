package dev.consentgate.enforce;

import dev.consentgate.config.ConsentGateConfig;
import static dev.consentgate.enforce.EnforcementDriver.CONTACTS;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.serde.ConfluentAvroSerde;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code consentgate.value.serde} swaps the Avro serde, e.g. for Confluent's GenericAvroSerde. */
class ValueSerdeTest {

    /** Stands in for a third-party serde: counts its use and fails on records it cannot read without saying why,
     * and reads some as a Utf8, as Confluent's does a value of a string schema. */
    public static final class ForeignSerde implements Serde<Object> {

        static final AtomicInteger DESERIALIZED = new AtomicInteger();
        private final ConfluentAvroSerde delegate = new ConfluentAvroSerde();

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
            delegate.configure(configs, isKey);
        }

        @Override
        public Serializer<Object> serializer() {
            return delegate.serializer();
        }

        @Override
        public Deserializer<Object> deserializer() {
            return (topic, bytes) -> {
                DESERIALIZED.incrementAndGet();
                if (bytes.length > 0 && bytes[0] == 'x') {
                    throw new SerializationException("foreign serde failure quoting the payload: " + new String(bytes));
                }
                if (bytes.length > 0 && bytes[0] == 'u') {
                    // What Confluent's GenericAvroSerde returns for a value of a string schema.
                    return new Utf8(new String(bytes, StandardCharsets.UTF_8));
                }
                return delegate.deserializer().deserialize(topic, bytes);
            };
        }
    }

    private final EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy(),
            Map.of(ConsentGateConfig.VALUE_SERDE, ForeignSerde.class.getName()));

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void theConfiguredSerdeReadsTheRecordsAndItsFailuresAreDeadLetteredWithoutTheirMessage() {
        int before = ForeignSerde.DESERIALIZED.get();
        driver.consent("cust-s", "marketing.communications.email", ConsentStatus.GRANTED, 1_000);

        driver.send(contact("e-s", "cust-s", 2_000, "marketing.communications.email"));
        driver.sendRaw(CONTACTS, "k-x", "x-secret@example.com".getBytes(StandardCharsets.UTF_8));
        driver.sendRaw(CONTACTS, "k-u", "u-secret@example.com".getBytes(StandardCharsets.UTF_8));

        assertThat(ForeignSerde.DESERIALIZED.get() - before).isEqualTo(4);
        assertThat(driver.purpose("marketing.communications.email")).hasSize(1);
        assertThat(driver.records("consent.dlq")).extracting(r -> header(r, "consent-dlq-reason") + ": " + header(r, "consent-dlq-detail"))
                .containsExactly(
                        "MALFORMED_AVRO: the value serde could not read the record (SerializationException)",
                        "NOT_A_RECORD: the value serde read a Utf8, not an Avro record");
    }
}
