package dev.consentgate.serde;

/**
 * Describes an Avro failure without quoting data. Some Avro exceptions put the offending datum in
 * their message (UnresolvedUnionException, "Unknown datum type"), and records hold personal data,
 * so causes are summarised rather than chained.
 */
final class PayloadSafeMessages {

    private PayloadSafeMessages() {
    }

    static String describe(Throwable failure) {
        // Avro's messages for these two name the field and the Java types, never the value.
        boolean messageIsSafe = failure instanceof NullPointerException
                || failure instanceof ClassCastException;
        String name = failure.getClass().getName();
        return messageIsSafe && failure.getMessage() != null ? name + ": " + failure.getMessage() : name;
    }
}
