package dev.consentgate.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Rules shared by the fideslang-style dotted keys (purposes, data categories): a key covers
 * itself and its descendants, so {@code marketing} covers {@code marketing.communications.email}
 * but not {@code marketingx}.
 */
final class DottedKey {

    private DottedKey() {
    }

    static String requireValid(String key, String what) {
        if (!isValid(key)) {
            throw new IllegalArgumentException(what + " '" + key
                    + "' is not a dotted key of lowercase words (e.g. marketing.communications.email)");
        }
        return key;
    }

    /**
     * {@code [a-z0-9_]+(\.[a-z0-9_]+)*}, checked by hand: keys are validated on the per-event path,
     * where a regular expression was the decision's largest cost.
     */
    static boolean isValid(String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        boolean segmentStart = true;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.') {
                if (segmentStart) {
                    return false;
                }
                segmentStart = true;
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
                segmentStart = false;
            } else {
                return false;
            }
        }
        return !segmentStart;
    }

    static boolean covers(String ancestor, String key) {
        return key.equals(ancestor)
                || (key.length() > ancestor.length() && key.startsWith(ancestor) && key.charAt(ancestor.length()) == '.');
    }

    /** The key itself, then each ancestor, most specific first. */
    static List<String> selfAndAncestors(String key) {
        List<String> chain = new ArrayList<>();
        String current = key;
        chain.add(current);
        for (int dot = current.lastIndexOf('.'); dot > 0; dot = current.lastIndexOf('.')) {
            current = current.substring(0, dot);
            chain.add(current);
        }
        return List.copyOf(chain);
    }

    static int depth(String key) {
        return (int) key.chars().filter(c -> c == '.').count();
    }
}
