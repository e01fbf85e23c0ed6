package dev.consentgate.policy;

/** One thing wrong with a policy file, at a line (1-based; 0 when it concerns the whole file). */
public record PolicyProblem(int line, String message) {

    /** {@code FILE:LINE: message}, the shape compilers use and editors jump to. */
    public String format(String file) {
        return file + ":" + line + ": " + message;
    }
}
