package dev.consentgate.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.policy.SignalSources;
import dev.consentgate.policy.ValueSource;
import dev.consentgate.schema.internal.BufferedEvent;
import dev.consentgate.schema.internal.BufferedHeader;
import dev.consentgate.signal.Signal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Where an event carries its signals: nested fields, a boolean GPC field, headers (the last of repeated ones). */
class EventSignalReaderTest {

    private static final Schema CONSENT = SchemaBuilder.record("Consent").fields()
            .optionalString("gpp").name("gpc").type().nullable().booleanType().noDefault().endRecord();
    private static final Schema EVENT = SchemaBuilder.record("Event").fields()
            .name("consent").type(CONSENT).noDefault().endRecord();
    private static final String TC_STRING = "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA";

    private final EventSignalReader reader = new EventSignalReader(new SignalSources(Optional.of(ValueSource.header("x-tc-string")),
            Optional.of(ValueSource.field("consent.gpp")), Optional.of(ValueSource.field("consent.gpc"))));

    @Test
    void eachSignalIsCapturedAtTheEventsTimeFromItsTopicWithItsIdAndNoJurisdiction() {
        BufferedEvent event = event(List.of(header("x-tc-string", "stale"), header("x-tc-string", TC_STRING)));

        assertThat(reader.read(event, value("DBABMA~" + TC_STRING, true))).containsExactly(
                new Signal(Signal.Kind.TCF, TC_STRING, 5_000, null, "crm.contacts", "e-1"),
                new Signal(Signal.Kind.GPP, "DBABMA~" + TC_STRING, 5_000, null, "crm.contacts", "e-1"),
                new Signal(Signal.Kind.GPC, "1", 5_000, null, "crm.contacts", "e-1"));
    }

    @Test
    void aBooleanGpcFieldIsTheFlagAndAbsentOrEmptyValuesAreNoSignal() {
        BufferedEvent event = event(List.of(header("x-tc-string", "")));

        assertThat(reader.read(event, value(null, false)))
                .containsExactly(new Signal(Signal.Kind.GPC, "0", 5_000, null, "crm.contacts", "e-1"));
        assertThat(reader.read(event(List.of()), value(null, null))).isEmpty();
    }

    private static GenericRecord value(String gpp, Boolean gpc) {
        GenericRecord consent = new GenericData.Record(CONSENT);
        consent.put("gpp", gpp);
        consent.put("gpc", gpc);
        GenericRecord event = new GenericData.Record(EVENT);
        event.put("consent", consent);
        return event;
    }

    private static BufferedEvent event(List<BufferedHeader> headers) {
        return new BufferedEvent("crm.contacts", 0, 7L, 5_000L, null, ByteBuffer.allocate(0), headers, "cust-1", List.of("marketing"),
                5_000L, "e-1", null);
    }

    private static BufferedHeader header(String name, String value) {
        return new BufferedHeader(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }
}
