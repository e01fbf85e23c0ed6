package dev.consentgate.serde;

import org.apache.avro.generic.GenericRecord;

/** A decoded record together with the registry id of the schema it was written with. */
public record DecodedRecord(int schemaId, GenericRecord record) {
}
