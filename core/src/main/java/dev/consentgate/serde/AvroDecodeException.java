package dev.consentgate.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record whose bytes can never be decoded; send it to the dead-letter queue with
 * {@link #reason()}. The message names the topic and schema id but never the payload, which may
 * hold personal data.
 */
public class AvroDecodeException extends SerializationException {

    private final DecodeFailure reason;

    public AvroDecodeException(DecodeFailure reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public DecodeFailure reason() {
        return reason;
    }
}
