package dev.consentgate.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Policy and config files spell enum constants as lowercase words ({@code drop}, {@code legitimate_interest}). */
public final class PolicyWords {

    private PolicyWords() {
    }

    /** Per enum type, its constants' words by ordinal: words go into every output header and metric, per record. */
    private static final ClassValue<String[]> WORDS = new ClassValue<>() {
        @Override
        protected String[] computeValue(Class<?> type) {
            return Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
        }
    };

    public static String word(Enum<?> constant) {
        return WORDS.get(constant.getDeclaringClass())[constant.ordinal()];
    }

    public static <E extends Enum<E>> Optional<E> parse(Class<E> type, String word) {
        return Arrays.stream(type.getEnumConstants()).filter(c -> word(c).equals(word)).findFirst();
    }

    /** The accepted words, for error messages: "drop, redact, tag". */
    public static <E extends Enum<E>> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(PolicyWords::word).collect(Collectors.joining(", "));
    }
}
