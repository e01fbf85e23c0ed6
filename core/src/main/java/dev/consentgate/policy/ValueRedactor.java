package dev.consentgate.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * Applies the value-level redaction actions. Values arrive as plain Java values (strings, numbers,
 * {@link LocalDate}, {@link Instant}, {@link LocalDateTime}, {@link LocalTime}); results are strings, or null
 * for a null value, so the output schema of a transformed field is always an (optional) string. A record,
 * array or map is refused: its text would carry every value inside it (the plan removes such fields).
 */
public final class ValueRedactor {

    private static final DataCategory POSTAL_CODE = DataCategory.of("user.contact.address.postal_code");
    /** Three characters keep a US ZIP3 / UK outward-code-sized area: coarse enough for most uses. */
    private static final int POSTAL_PREFIX_LENGTH = 3;
    private static final int MASK_VISIBLE_TAIL = 2;

    private final KeyedHash hash;

    public ValueRedactor(KeyedHash hash) {
        this.hash = hash;
    }

    /**
     * The replacement for {@code value} of {@code field} under {@code action}; not for {@link RedactionAction#REMOVE}.
     * {@code encrypter} encrypts for {@link RedactionAction#ENCRYPT}.
     */
    public String apply(FieldAction field, Object value, FieldEncrypter encrypter) {
        if (value == null) {
            return null;
        }
        // Only what is known to be one scalar value: a record, list or map would leak its contents through its text.
        if (!(value instanceof CharSequence || value instanceof Number || value instanceof Boolean || value instanceof TemporalAccessor)) {
            throw new IllegalArgumentException("cannot " + field.action().name().toLowerCase(Locale.ROOT)
                    + " a " + value.getClass().getSimpleName() + ": only one scalar value is transformed");
        }
        return switch (field.action()) {
            case ENCRYPT -> encrypter.encrypt(field.field(), value.toString());
            case HASH -> hash.hex(value.toString());
            case MASK -> mask(value.toString());
            case GENERALIZE -> generalize(field.category(), value);
            case REMOVE -> throw new IllegalArgumentException("remove has no replacement value");
        };
    }

    /**
     * {@code jane@example.com} → {@code j***@example.com}; other strings become {@code ***} and their last two characters
     * ({@code ***} alone up to four characters). Only a value that
     * is one address (one {@code @}, no whitespace) keeps its domain: free text that holds an address keeps no more than
     * other text.
     */
    static String mask(String value) {
        int at = value.indexOf('@');
        if (at > 0 && at == value.lastIndexOf('@') && value.chars().noneMatch(Character::isWhitespace)) {
            return value.charAt(0) + "***" + value.substring(at);
        }
        // A mask of fixed width: one that kept the length would tell values apart by it. Whether the tail shows still says
        // whether the value is longer than 4 characters: mask is for identifiers and numbers, not values from a small set.
        int visible = value.length() > MASK_VISIBLE_TAIL * 2 ? MASK_VISIBLE_TAIL : 0;
        return "***" + value.substring(value.length() - visible);
    }

    /**
     * Postal code → prefix, date or timestamp (local too) → year, number → decade band; a time of day and other strings →
     * removed detail ("*").
     */
    static String generalize(DataCategory category, Object value) {
        if (value instanceof LocalDate date) {
            return Integer.toString(date.getYear());
        }
        if (value instanceof Instant instant) {
            return Integer.toString(instant.atZone(ZoneOffset.UTC).getYear());
        }
        if (value instanceof LocalDateTime local) {
            return Integer.toString(local.getYear());
        }
        if (value instanceof LocalTime) {
            // A time of day has no year: keep nothing of it.
            return "*";
        }
        if (value instanceof TemporalAccessor) {
            throw new IllegalArgumentException("cannot generalize a " + value.getClass().getSimpleName());
        }
        String text = value.toString();
        // Before numbers: a postal code stored as a number is still a postal code, and its decade band would keep 4 of 5
        // digits. A number has lost its leading zeros (02134 is 2134), so its first digits are a prefix only at 5 or more.
        if (POSTAL_CODE.covers(category)) {
            if (value instanceof Number && text.length() < POSTAL_PREFIX_LENGTH + 2) {
                return "*";
            }
            return text.length() <= POSTAL_PREFIX_LENGTH ? text : text.substring(0, POSTAL_PREFIX_LENGTH);
        }
        if (value instanceof Number number) {
            long decade = Math.floorDiv(number.longValue(), 10) * 10;
            return decade + "-" + (decade + 9);
        }
        // No coarser form is known for free text: keep nothing of it rather than guess.
        return "*";
    }
}
