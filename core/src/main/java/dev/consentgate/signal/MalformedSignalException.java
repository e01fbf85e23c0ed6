package dev.consentgate.signal;

/** A signal whose value cannot be decoded. The message never holds the value: it is tied to a customer. */
public final class MalformedSignalException extends Exception {

    MalformedSignalException(String message) {
        super(message, null, false, false);
    }
}
