package dev.consentgate.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.schema.ConsentEvent;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.UnresolvedUnionException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class NullableUnionsTest {

    /** Optional fields of each kind the fast path answers (string, record) and one it leaves to Avro (a timestamp). */
    private static final Schema HOLDER = new Schema.Parser().parse("""
            {"type": "record", "name": "Holder", "namespace": "dev.consentgate.serde.test",
             "fields": [
               {"name": "note", "type": ["null", "string"], "default": null},
               {"name": "contact", "type": ["null", {"type": "record", "name": "Inner",
                  "fields": [{"name": "email", "type": ["null", "string"], "default": null}]}], "default": null},
               {"name": "seenAt", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}], "default": null},
               {"name": "either", "type": ["string", "long"]}
             ]}""");

    @Test
    void genericRecordsAreWrittenToTheSameBytesAsWithAvrosOwnModel() throws IOException {
        for (GenericRecord record : new GenericRecord[] {holder(null, null, null, "x"), holder("a note", "a@example.org", 1_700_000_000_000L, 7L)}) {
            byte[] fast = TestRecords.encode(new DatumWriters().forRecord(record), record);
            byte[] avro = TestRecords.encode(new GenericDatumWriter<>(HOLDER, GenericData.get()), record);
            assertThat(fast).isEqualTo(avro);
        }
    }

    @Test
    void generatedClassesAreWrittenToTheSameBytesAsWithTheirOwnModel() throws IOException {
        ConsentEvent withOptionals = TestRecords.consentEvent();
        ConsentEvent withoutOptionals = ConsentEvent.newBuilder(withOptionals).setJurisdiction(null).setExpiresAt(null).build();
        for (ConsentEvent event : new ConsentEvent[] {withOptionals, withoutOptionals}) {
            byte[] fast = TestRecords.encode(new DatumWriters().forRecord(event), event);
            byte[] avro = TestRecords.encode(new SpecificDatumWriter<>(ConsentEvent.getClassSchema(), SpecificData.getForClass(ConsentEvent.class)), event);
            assertThat(fast).isEqualTo(avro);
        }
    }

    @Test
    void aValueOfTheWrongTypeInAnOptionalFieldStillFailsAsAvroMakesItFail() {
        GenericRecord record = holder(null, null, null, "x");
        record.put("note", 42);

        assertThatThrownBy(() -> TestRecords.encode(new DatumWriters().forRecord(record), record))
                .isInstanceOf(UnresolvedUnionException.class)
                .hasMessageContaining("Not in union");
    }

    private static GenericRecord holder(String note, String email, Long seenAt, Object either) {
        GenericRecord holder = new GenericData.Record(HOLDER);
        holder.put("note", note);
        if (email != null) {
            GenericRecord inner = new GenericData.Record(HOLDER.getField("contact").schema().getTypes().get(1));
            inner.put("email", email);
            holder.put("contact", inner);
        }
        holder.put("seenAt", seenAt);
        holder.put("either", either);
        return holder;
    }
}
