package dev.consentgate.enforce;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names one held record: {@code <audit partition>-<audit sequence>-<purpose>}, the held decision's audit reference and the
 * purpose that waits. Unique, since an audit record is written once and names each declared purpose once; the same on a
 * replay, which rebuilds the chain; and it holds no customer id, so it may key the review-decision topic. Its partition
 * is the enforcing task's, so a reviewer's decision is written there and meets the held record.
 */
public record ReviewId(int partition, long sequence, String purpose) {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})-(\\d{1,19})-(.+)");

    /** The review id {@code text} spells, or empty when it is not one. */
    public static Optional<ReviewId> parse(String text) {
        Matcher matcher = FORMAT.matcher(text);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ReviewId(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2)), matcher.group(3)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return partition + "-" + sequence + "-" + purpose;
    }
}
