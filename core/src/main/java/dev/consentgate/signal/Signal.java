package dev.consentgate.signal;

/**
 * One privacy signal a customer sent, as read from the signals topic.
 *
 * @param value        the TC string, the GPP string, or {@code 1}/{@code 0} for GPC
 * @param jurisdiction where the customer was; decides where GPC has effect; may be null
 * @param signalId     the signal's id at its source; may be null
 */
public record Signal(Kind kind, String value, long capturedAt, String jurisdiction, String source, String signalId) {

    /** What the signal's value is. */
    public enum Kind {
        /** A TCF v2 TC string. */
        TCF,
        /** A GPP string: its US sections and its TCF EU v2 section are read. */
        GPP,
        /** A Global Privacy Control flag: 1 when the browser sent {@code Sec-GPC: 1}. */
        GPC
    }
}
