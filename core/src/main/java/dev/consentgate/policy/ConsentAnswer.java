package dev.consentgate.policy;

/**
 * What the consent store knows about one (customer, purpose) at one time: the input of the decision
 * function for that purpose, asked for at the event's time and at the decision's time.
 *
 * @param record          the record in force: the latest statement captured by then about the purpose, an
 *                        ancestor, or every purpose (an erasure), the more restrictive on a tie;
 *                        {@code null} when there is none
 * @param customerKnown   the customer had any consent record at that time
 * @param historyExpired  the time is older than the store's history: the answer cannot be known
 * @param erasure         the latest erasure request captured by then, also where a later statement is in force;
 *                        {@code null} when there is none. An erasure after an event's time covers the event's data
 *                        whatever the customer said after it.
 */
public record ConsentAnswer(ConsentState record, boolean customerKnown, boolean historyExpired, ConsentState erasure) {

    /** A record in force, with no erasure request before it, unless it is one. */
    public static ConsentAnswer found(ConsentState record) {
        return found(record, record.status() == ConsentChoice.ERASED ? record : null);
    }

    public static ConsentAnswer found(ConsentState record, ConsentState erasure) {
        return new ConsentAnswer(record, true, false, erasure);
    }

    public static ConsentAnswer none(boolean customerKnown) {
        return new ConsentAnswer(null, customerKnown, false, null);
    }

    public static ConsentAnswer beyondHistory() {
        return new ConsentAnswer(null, true, true, null);
    }
}
