package dev.consentgate.policy;

/**
 * One consent record as it stood at some time: the status a customer gave for a purpose (or, for an
 * erasure, for every purpose) and where it came from.
 *
 * @param purpose       the purpose the record was captured for; {@code null} for an erasure
 * @param expiresAt     when a grant lapses, epoch millis; {@code null} when it does not
 * @param jurisdiction  where the customer was when it was captured ({@code EU}, {@code US-CA}); may be null
 * @param signal        the privacy signal the record was decoded from; null for a consent event
 */
public record ConsentState(
        Purpose purpose,
        ConsentChoice status,
        long capturedAt,
        Long expiresAt,
        String jurisdiction,
        String source,
        String noticeVersion,
        String consentId,
        SignalOrigin signal) {

    /** A record from a consent event, not from a privacy signal. */
    public ConsentState(Purpose purpose, ConsentChoice status, long capturedAt, Long expiresAt, String jurisdiction, String source,
                        String noticeVersion, String consentId) {
        this(purpose, status, capturedAt, expiresAt, jurisdiction, source, noticeVersion, consentId, null);
    }

    /** True when the record has a lapse time at or before {@code time}. */
    public boolean isExpiredAt(long time) {
        return expiresAt != null && expiresAt <= time;
    }
}
