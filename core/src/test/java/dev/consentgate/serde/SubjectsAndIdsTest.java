package dev.consentgate.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.schema.ConsentEvent;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SubjectsAndIdsTest {

    private static final String SCOPE = "subjects-test";
    private static final String OTHER_SCOPE = "subjects-test-other";

    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(SCOPE);

    @AfterEach
    void dropScopes() {
        InMemorySchemaRegistry.dropScope(SCOPE);
        InMemorySchemaRegistry.dropScope(OTHER_SCOPE);
    }

    @Test
    void valueSerializerRegistersUnderTopicDashValue() {
        // When
        new ConfluentAvroSerializer(registry, false, true, false)
                .serialize("crm.contacts", TestRecords.contact("cust-1", 1, null));

        // Then
        assertThat(registry.lookup("crm.contacts-value", TestRecords.CONTACT)).isEqualTo(1);
        assertThatThrownBy(() -> registry.lookup("crm.contacts-key", TestRecords.CONTACT))
                .isInstanceOf(SchemaNotFoundException.class);
    }

    @Test
    void keySerializerRegistersUnderTopicDashKey() {
        // When
        new ConfluentAvroSerializer(registry, true, true, false)
                .serialize("crm.contacts", TestRecords.contact("cust-1", 1, null));

        // Then
        assertThat(registry.lookup("crm.contacts-key", TestRecords.CONTACT)).isEqualTo(1);
        assertThatThrownBy(() -> registry.lookup("crm.contacts-value", TestRecords.CONTACT))
                .isInstanceOf(SchemaNotFoundException.class);
    }

    @Test
    void sameSchemaUnderTwoSubjectsGetsOneIdAndANewSchemaTheNextId() {
        // When
        int first = registry.register("a-value", TestRecords.CONTACT);
        int again = registry.register("b-key", TestRecords.CONTACT);
        int second = registry.register("a-value", ConsentEvent.getClassSchema());

        // Then
        assertThat(first).isEqualTo(1);
        assertThat(again).isEqualTo(1);
        assertThat(second).isEqualTo(2);
        assertThat(registry.schemaById(2)).isEqualTo(ConsentEvent.getClassSchema());
    }

    @Test
    void sameScopeNameGivesTheSameRegistry() {
        assertThat(InMemorySchemaRegistry.scope(SCOPE)).isSameAs(registry);
    }

    @Test
    void scopesDoNotSeeEachOthersSchemas() {
        // Given
        registry.register("a-value", TestRecords.CONTACT);
        InMemorySchemaRegistry other = InMemorySchemaRegistry.scope(OTHER_SCOPE);

        // When
        int idInOther = other.register("a-value", ConsentEvent.getClassSchema());

        // Then
        assertThat(idInOther).isEqualTo(1);
        assertThat(other.schemaById(1)).isEqualTo(ConsentEvent.getClassSchema());
        assertThat(registry.schemaById(1)).isEqualTo(TestRecords.CONTACT);
        assertThatThrownBy(() -> other.lookup("a-value", TestRecords.CONTACT))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("a-value")
                .hasMessageContaining(OTHER_SCOPE);
    }

    @Test
    void droppedScopeStartsAgainEmptyWithIdOne() {
        // Given
        registry.register("a-value", TestRecords.CONTACT);
        registry.register("a-value", ConsentEvent.getClassSchema());

        // When
        InMemorySchemaRegistry.dropScope(SCOPE);
        InMemorySchemaRegistry fresh = InMemorySchemaRegistry.scope(SCOPE);

        // Then
        assertThat(fresh).isNotSameAs(registry);
        assertThatThrownBy(() -> fresh.schemaById(1)).isInstanceOf(SchemaNotFoundException.class);
        assertThat(fresh.register("a-value", ConsentEvent.getClassSchema())).isEqualTo(1);
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaFailsNamingSubjectAndSetting() {
        // Given
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer(registry, false, false, false);

        // When / Then
        assertThatThrownBy(() -> serializer.serialize("crm.contacts", TestRecords.contact("c", 1, null)))
                .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class)
                .hasMessageContaining("dev.consentgate.serde.test.Contact")
                .hasMessageContaining("'crm.contacts-value'")
                .hasMessageContaining("auto.register.schemas is false");
        assertThatThrownBy(() -> registry.schemaById(1)).isInstanceOf(SchemaNotFoundException.class);
    }

    @Test
    void withoutAutoRegisterARegisteredSchemaIsWrittenWithItsId() {
        // Given
        registry.register("other-value", ConsentEvent.getClassSchema());
        int id = registry.register("crm.contacts-value", TestRecords.CONTACT);
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer(registry, false, false, false);

        // When
        byte[] bytes = serializer.serialize("crm.contacts", TestRecords.contact("c", 1, null));

        // Then
        assertThat(id).isEqualTo(2);
        assertThat(Arrays.copyOfRange(bytes, 0, 5)).containsExactly(0, 0, 0, 0, 2);
    }

    @Test
    void aTopicWrittenWithTheSameSchemaAsksTheRegistryOnceAndAnotherSchemaGetsItsOwnId() {
        // Given: a registry that counts what it is asked
        AtomicInteger asked = new AtomicInteger();
        SchemaRegistryClient counting = new SchemaRegistryClient() {
            @Override
            public int register(String subject, Schema schema) {
                asked.incrementAndGet();
                return registry.register(subject, schema);
            }

            @Override
            public int lookup(String subject, Schema schema) {
                asked.incrementAndGet();
                return registry.lookup(subject, schema);
            }

            @Override
            public Schema schemaById(int id) {
                return registry.schemaById(id);
            }
        };
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer(counting, false, true, false);
        // An equal schema that is another instance: the registry, not the serializer, decides it has the same id.
        Schema equalContact = new Schema.Parser().parse(TestRecords.CONTACT.toString());

        // When
        byte[] first = serializer.serialize("crm.contacts", TestRecords.contact("c", 1, null));
        byte[] second = serializer.serialize("crm.contacts", TestRecords.contact("d", 2, null));
        int askedForOneSchema = asked.get();
        byte[] other = serializer.serialize("crm.contacts", TestRecords.consentEvent());
        byte[] equal = serializer.serialize("crm.contacts", withSchema(equalContact, TestRecords.contact("e", 3, null)));
        byte[] back = serializer.serialize("crm.contacts", TestRecords.contact("f", 4, null));

        // Then
        assertThat(askedForOneSchema).isEqualTo(1);
        assertThat(asked.get()).isEqualTo(4);
        assertThat(Arrays.copyOfRange(first, 0, 5)).containsExactly(0, 0, 0, 0, 1);
        assertThat(Arrays.copyOfRange(second, 0, 5)).containsExactly(0, 0, 0, 0, 1);
        assertThat(Arrays.copyOfRange(other, 0, 5)).containsExactly(0, 0, 0, 0, 2);
        assertThat(Arrays.copyOfRange(equal, 0, 5)).containsExactly(0, 0, 0, 0, 1);
        assertThat(Arrays.copyOfRange(back, 0, 5)).containsExactly(0, 0, 0, 0, 1);
    }

    private static GenericRecord withSchema(Schema schema, GenericRecord record) {
        GenericRecord copy = new GenericData.Record(schema);
        schema.getFields().forEach(field -> copy.put(field.pos(), record.get(field.pos())));
        return copy;
    }
}
