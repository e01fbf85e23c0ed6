package dev.consentgate.policy;

import java.util.Map;
import java.util.Set;

/**
 * What a Global Privacy Control signal opts out of.
 *
 * @param honouredIn jurisdictions whose law gives GPC effect: there it opts out of the jurisdiction's
 *                   {@code opt_out_purposes}
 * @param elsewhere  jurisdiction → purposes a GPC signal opts out of by this policy's choice, where the law does not
 *                   require it (an EU customer's browser signal as an objection to advertising)
 */
public record GpcMapping(Set<String> honouredIn, Map<String, Set<Purpose>> elsewhere) {

    /**
     * The US states whose privacy law requires honouring a universal opt-out signal such as GPC, as in force from
     * 2026: California (CCPA/CPRA), Colorado, Connecticut, Delaware, Maryland, Minnesota, Montana, Nebraska,
     * New Hampshire, New Jersey, Oregon, Texas. A policy lists its own with {@code honoured_in}.
     */
    public static final Set<String> HONOURED_BY_LAW = Set.of(
            "US-CA", "US-CO", "US-CT", "US-DE", "US-MD", "US-MN", "US-MT", "US-NE", "US-NH", "US-NJ", "US-OR", "US-TX");

    public static final GpcMapping BY_LAW = new GpcMapping(HONOURED_BY_LAW, Map.of());

    public GpcMapping {
        honouredIn = Set.copyOf(honouredIn);
        elsewhere = Map.copyOf(elsewhere);
    }
}
