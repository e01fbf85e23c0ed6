package dev.consentgate.cli;

/** The process exit codes of every command, documented in docs/reference.md. */
public final class ExitCodes {

    /** Success; for {@code run}, a clean shutdown on SIGTERM. */
    public static final int OK = 0;
    /** Kafka Streams stopped on an error while running. */
    public static final int RUNTIME_FAILURE = 1;
    /** Bad command line, configuration or policy. */
    public static final int INVALID_INPUT = 2;
    /** The Kafka cluster or the schema registry cannot be reached at start. */
    public static final int UNREACHABLE = 3;
    /** A topic ConsentGate reads is missing or unusable (wrong partition count). */
    public static final int TOPIC_PROBLEM = 4;
    /** An auditor's check found a difference: a broken audit chain, or replayed decisions that differ from the recorded ones. */
    public static final int AUDIT_DIFFERENCE = 5;

    private ExitCodes() {
    }
}
