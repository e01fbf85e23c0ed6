package dev.consentgate.ingest;

/** A record that cannot be decided; carries the dead-letter reason. The message holds no record content. */
public final class RejectException extends Exception {

    private final RejectReason reason;

    RejectException(RejectReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
