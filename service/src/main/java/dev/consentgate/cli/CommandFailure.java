package dev.consentgate.cli;

/** A command that cannot go on: its one-line message goes to stderr and the process exits with {@code exitCode}. */
public final class CommandFailure extends RuntimeException {

    private final int exitCode;

    public CommandFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
