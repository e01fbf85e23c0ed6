package dev.consentgate.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.schema.ConsentEvent;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConfluentAvroSerdeTest {

    private static final String SCOPE = "serde-test";
    private static final String TOPIC = "consent.events";

    @AfterEach
    void dropScope() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void configuredWithSpecificReaderTheSerdeRoundTripsGeneratedClasses() {
        // Given
        ConfluentAvroSerde serde = configured(Map.of(
                "schema.registry.url", "mock://" + SCOPE, "specific.avro.reader", true), false);
        ConsentEvent event = TestRecords.consentEvent();

        // When
        Object decoded = serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, event));

        // Then
        assertThat(decoded).isEqualTo(event);
    }

    @Test
    void configuredWithDefaultsTheSerdeRegistersValuesAndReadsGenericRecords() {
        // Given
        ConfluentAvroSerde serde = configured(Map.of("schema.registry.url", "mock://" + SCOPE), false);

        // When
        Object decoded = serde.deserializer().deserialize(TOPIC,
                serde.serializer().serialize(TOPIC, TestRecords.consentEvent()));

        // Then
        assertThat(decoded).isInstanceOf(GenericRecord.class);
        assertThat(((GenericRecord) decoded).get("customerId")).hasToString("cust-42");
        assertThat(InMemorySchemaRegistry.scope(SCOPE)
                .lookup(TOPIC + "-value", ConsentEvent.getClassSchema())).isEqualTo(1);
    }

    @Test
    void configuredAsKeySerdeItRegistersUnderTheKeySubject() {
        // Given
        ConfluentAvroSerde serde = configured(Map.of("schema.registry.url", "mock://" + SCOPE), true);

        // When
        serde.serializer().serialize(TOPIC, TestRecords.consentEvent());

        // Then
        assertThat(InMemorySchemaRegistry.scope(SCOPE)
                .lookup(TOPIC + "-key", ConsentEvent.getClassSchema())).isEqualTo(1);
    }

    @Test
    void configuredWithoutAutoRegisterTheSerdeOnlyWritesRegisteredSchemas() {
        // Given
        ConfluentAvroSerde serde = configured(Map.of(
                "schema.registry.url", "mock://" + SCOPE, "auto.register.schemas", "false"), false);

        // When / Then
        assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, TestRecords.consentEvent()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("auto.register.schemas is false");
    }

    @Test
    void serdeUsedBeforeConfigureSaysSo() {
        assertThatThrownBy(() -> new ConfluentAvroSerde().serializer())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ConfluentAvroSerde used before configure()");
        assertThatThrownBy(() -> new ConfluentAvroSerializer().serialize(TOPIC, TestRecords.consentEvent()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ConfluentAvroSerializer used before configure()");
    }

    private static ConfluentAvroSerde configured(Map<String, ?> configs, boolean isKey) {
        ConfluentAvroSerde serde = new ConfluentAvroSerde();
        serde.configure(configs, isKey);
        return serde;
    }
}
