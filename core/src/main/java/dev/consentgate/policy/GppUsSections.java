package dev.consentgate.policy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The GPP US sections ConsentGate reads and the opt-outs each carries, per the IAB's GPP specification (the sections
 * of {@code com.iabgpp:iabgpp-encoder} 3.2.4; a test holds the two together). Here, not read from the library, so the
 * policy model stays free of dependencies and a policy names only sections the decoder can read.
 */
public final class GppUsSections {

    private static final Set<UsOptOut> SALE_ADVERTISING_SENSITIVE =
            EnumSet.of(UsOptOut.SALE, UsOptOut.TARGETED_ADVERTISING, UsOptOut.SENSITIVE_DATA);

    private static final Map<String, Set<UsOptOut>> OPT_OUTS = new TreeMap<>(Map.ofEntries(
            Map.entry("usnat", EnumSet.allOf(UsOptOut.class)),
            Map.entry("usca", EnumSet.of(UsOptOut.SALE, UsOptOut.SHARING, UsOptOut.SENSITIVE_DATA)),
            // The US Privacy string (CCPA), deprecated by the IAB but still sent: it carries only the sale opt-out.
            Map.entry("uspv1", EnumSet.of(UsOptOut.SALE)),
            Map.entry("usva", SALE_ADVERTISING_SENSITIVE),
            Map.entry("usco", SALE_ADVERTISING_SENSITIVE),
            Map.entry("usut", SALE_ADVERTISING_SENSITIVE),
            Map.entry("usct", SALE_ADVERTISING_SENSITIVE),
            Map.entry("usfl", SALE_ADVERTISING_SENSITIVE),
            Map.entry("usmt", SALE_ADVERTISING_SENSITIVE),
            Map.entry("usor", SALE_ADVERTISING_SENSITIVE),
            Map.entry("ustx", SALE_ADVERTISING_SENSITIVE),
            Map.entry("usde", SALE_ADVERTISING_SENSITIVE),
            Map.entry("usia", SALE_ADVERTISING_SENSITIVE),
            Map.entry("usne", SALE_ADVERTISING_SENSITIVE),
            Map.entry("usnh", SALE_ADVERTISING_SENSITIVE),
            Map.entry("usnj", SALE_ADVERTISING_SENSITIVE),
            Map.entry("ustn", SALE_ADVERTISING_SENSITIVE)));

    private GppUsSections() {
    }

    /** The section names, sorted. */
    public static Set<String> names() {
        return OPT_OUTS.keySet();
    }

    /** The opt-outs a section carries; empty for a section ConsentGate does not read. */
    public static Optional<Set<UsOptOut>> optOuts(String section) {
        return Optional.ofNullable(OPT_OUTS.get(section)).map(Set::copyOf);
    }
}
