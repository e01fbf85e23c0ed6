package dev.consentgate.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Rules shared by the fideslang-style dotted keys (purposes, data categories): a key covers
 * itself and its descendants, so {@code marketing} covers {@code marketing.communications.email}
 * but not {@code marketingx}.
 */
final class DottedKey {

    private static final Pattern SHAPE = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)*");

    private DottedKey() {
    }

    static String requireValid(String key, String what) {
        if (key == null || !SHAPE.matcher(key).matches()) {
            throw new IllegalArgumentException(what + " '" + key
                    + "' is not a dotted key of lowercase words (e.g. marketing.communications.email)");
        }
        return key;
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
