package dev.consentgate.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.ValueSource;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Every kind of value source an input mapping can name. */
class EnvelopeExtractorTest {

    private static final Schema ADDRESS = SchemaBuilder.record("Address").fields().optionalString("country").endRecord();
    private static final Schema SCHEMA = SchemaBuilder.record("Event").fields()
            .requiredString("id").optionalString("when").name("customer").type().record("Customer").fields()
            .requiredString("ref").name("address").type(ADDRESS).noDefault().endRecord().noDefault()
            .endRecord();
    private static final SourcePosition POSITION = new SourcePosition("crm.events", 2, 41);

    private static GenericRecord record(String when) {
        GenericRecord address = new GenericRecordBuilder(ADDRESS).set("country", "BR").build();
        GenericRecord customer = new GenericRecordBuilder(SCHEMA.getField("customer").schema()).set("ref", "c-7").set("address", address).build();
        return new GenericRecordBuilder(SCHEMA).set("id", "e-1").set("when", when).set("customer", customer).build();
    }

    private static InputMapping mapping(ValueSource customer, ValueSource purposes, ValueSource time, Optional<ValueSource> id, Optional<ValueSource> jurisdiction) {
        return new InputMapping("crm.events", customer, purposes, time, id, jurisdiction, false, Map.of(), Optional.empty(), Set.of());
    }

    @Test
    void nestedFieldsHeadersFixedPurposesAndIsoTimesAreRead() throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add("x-purposes", "analytics.reporting, marketing".getBytes(StandardCharsets.UTF_8));
        InputMapping mapping = mapping(ValueSource.field("customer.ref"), ValueSource.header("x-purposes"), ValueSource.field("when"),
                Optional.of(ValueSource.field("id")), Optional.of(ValueSource.field("customer.address.country")));

        Envelope envelope = new EnvelopeExtractor(mapping).extract(record("2026-11-22T10:00:00Z"), headers, null, 5, POSITION);

        assertThat(envelope).isEqualTo(new Envelope("c-7", List.of("analytics.reporting", "marketing"), 1_795_341_600_000L, "e-1", "BR"));
    }

    @Test
    void theKeyTheRecordTimestampAndFixedPurposesAreReadAndTheEventIdDefaultsToThePosition() throws Exception {
        InputMapping mapping = mapping(ValueSource.key(), ValueSource.fixed(List.of("essential.service")), ValueSource.timestamp(),
                Optional.empty(), Optional.empty());

        Envelope envelope = new EnvelopeExtractor(mapping).extract(record(null), new RecordHeaders(), "c-9".getBytes(StandardCharsets.UTF_8), 1234, POSITION);

        assertThat(envelope).isEqualTo(new Envelope("c-9", List.of("essential.service"), 1234, "crm.events-2-41", null));
    }

    @Test
    void anEventIdSourceThatIsAbsentOrEmptyFallsBackToThePosition() throws Exception {
        InputMapping mapping = mapping(ValueSource.field("customer.ref"), ValueSource.fixed(List.of("essential.service")), ValueSource.timestamp(),
                Optional.of(ValueSource.header("x-event-id")), Optional.empty());
        RecordHeaders empty = new RecordHeaders();
        empty.add("x-event-id", new byte[0]);
        RecordHeaders given = new RecordHeaders();
        given.add("x-event-id", "e-77".getBytes(StandardCharsets.UTF_8));
        EnvelopeExtractor extractor = new EnvelopeExtractor(mapping);

        assertThat(extractor.extract(record(null), new RecordHeaders(), null, 0, POSITION).eventId()).isEqualTo("crm.events-2-41");
        assertThat(extractor.extract(record(null), empty, null, 0, POSITION).eventId()).isEqualTo("crm.events-2-41");
        assertThat(extractor.extract(record(null), given, null, 0, POSITION).eventId()).isEqualTo("e-77");
    }

    @Test
    void anUnparseableTimeAndAnInvalidPurposeAreRejectedWithTheirReasons() {
        InputMapping byField = mapping(ValueSource.field("customer.ref"), ValueSource.fixed(List.of("analytics")), ValueSource.field("when"),
                Optional.empty(), Optional.empty());
        InputMapping byHeader = mapping(ValueSource.field("customer.ref"), ValueSource.header("x-purposes"), ValueSource.timestamp(),
                Optional.empty(), Optional.empty());
        RecordHeaders headers = new RecordHeaders();
        headers.add("x-purposes", "Marketing Emails".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> new EnvelopeExtractor(byField).extract(record("yesterday"), new RecordHeaders(), null, 0, POSITION))
                .isInstanceOfSatisfying(RejectException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.INVALID_EVENT_TIME));
        assertThatThrownBy(() -> new EnvelopeExtractor(byHeader).extract(record(null), headers, null, 0, POSITION))
                .isInstanceOfSatisfying(RejectException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.INVALID_PURPOSE));
        assertThatThrownBy(() -> new EnvelopeExtractor(byField).extract(record(null), new RecordHeaders(), null, 0, POSITION))
                .isInstanceOfSatisfying(RejectException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.MISSING_EVENT_TIME));
    }
}
