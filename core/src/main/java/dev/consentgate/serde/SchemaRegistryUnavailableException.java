package dev.consentgate.serde;

import org.apache.kafka.common.errors.RetriableException;

/**
 * The schema registry could not be reached, timed out or failed on its side (HTTP 5xx). The record
 * being processed is not at fault: retry it rather than dead-lettering it.
 */
public class SchemaRegistryUnavailableException extends RetriableException {

    public SchemaRegistryUnavailableException(String message) {
        super(message);
    }

    public SchemaRegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
