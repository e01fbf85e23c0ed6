package dev.consentgate.serde;

import org.apache.kafka.common.errors.SerializationException;

/** The registry answered, and it does not know the schema id or the subject's schema. */
public class SchemaNotFoundException extends SerializationException {

    public SchemaNotFoundException(String message) {
        super(message);
    }
}
