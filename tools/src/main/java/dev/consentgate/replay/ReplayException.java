package dev.consentgate.replay;

/** A replay that cannot be done; {@link #kind()} tells the command line which exit code it ends with. */
public final class ReplayException extends RuntimeException {

    /** Why the replay cannot go on. */
    public enum Kind {
        /** The audit records name a policy none of the given files has, or cannot be replayed at all. */
        INVALID_INPUT,
        /** Kafka does not answer. */
        UNREACHABLE,
        /** A topic the replay reads does not exist. */
        TOPIC_PROBLEM
    }

    private final Kind kind;

    public ReplayException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
