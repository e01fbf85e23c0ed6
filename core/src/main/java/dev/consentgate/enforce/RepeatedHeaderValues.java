package dev.consentgate.enforce;

import dev.consentgate.policy.PolicyWords;
import dev.consentgate.policy.ReasonCode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The values of the decision headers that vary by decision but repeat from record to record (outcome, basis, reasons),
 * encoded once each:
 * every purpose record carries them, and joining and encoding them per record was a measurable share of the enforcer's
 * time. The arrays are shared between records, which is safe: Kafka's producer only reads header values.
 */
final class RepeatedHeaderValues {

    /** Reason lists come from the decision rules, a few dozen at most; past this many, odd ones are encoded each time. */
    private static final int MAX_KEPT = 1024;

    private final Map<Object, byte[]> encoded = new HashMap<>();

    /** The constant's policy word ({@link PolicyWords}), as UTF-8. */
    byte[] word(Enum<?> constant) {
        return kept(constant, () -> PolicyWords.word(constant));
    }

    /** The reason codes' names, joined by commas, as UTF-8. */
    byte[] reasons(List<ReasonCode> reasons) {
        return kept(reasons, () -> reasons.stream().map(Enum::name).collect(Collectors.joining(",")));
    }

    private byte[] kept(Object key, Supplier<String> value) {
        byte[] bytes = encoded.get(key);
        if (bytes == null) {
            bytes = value.get().getBytes(StandardCharsets.UTF_8);
            if (encoded.size() < MAX_KEPT) {
                encoded.put(key, bytes);
            }
        }
        return bytes;
    }
}
