package dev.consentgate.policy;

import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Several jurisdictions recorded for a customer at one instant. Neither arrival order nor a code's spelling may choose
 * between them, so the customer stands under all of them at once: the codes, sorted and joined by {@code ','}, are the
 * customer's jurisdiction code for that instant, and a purpose is opt-out under it only where every one of them makes it so.
 */
public final class JurisdictionTie {

    private static final String SEPARATOR = ",";

    private JurisdictionTie() {
    }

    /** The code for an instant at which both were recorded; a null or equal one adds nothing. */
    public static String of(String present, String added) {
        if (present == null || added == null || present.equals(added)) {
            return present == null ? added : present;
        }
        TreeSet<String> codes = new TreeSet<>(codes(present));
        codes.addAll(codes(added));
        return String.join(SEPARATOR, codes);
    }

    /** Whether {@code code} stands for several jurisdictions: cheaper than {@link #codes}, for the decision path. */
    public static boolean isTie(String code) {
        return code.contains(SEPARATOR);
    }

    /**
     * The jurisdictions a code stands for: itself, or each of a tie's. Empty ones are kept (a recorded {@code ","} stands
     * for two unknown codes, which are opt-in), so no piece of a recorded code disappears from a tie.
     */
    public static List<String> codes(String code) {
        return isTie(code) ? List.of(code.split(SEPARATOR, -1)) : List.of(code);
    }

    /**
     * The rule of a tie: the purposes that every jurisdiction's rule makes opt-out. A purpose of one rule counts when every
     * other rule covers it too; the most specific of the purposes that cover a given purpose is one of them, so the result
     * covers exactly what all the rules cover.
     */
    static JurisdictionRule ruleOf(String code, List<JurisdictionRule> rules) {
        TreeSet<Purpose> common = new TreeSet<>(Comparator.comparing(Purpose::key));
        for (JurisdictionRule rule : rules) {
            for (Purpose purpose : rule.optOutPurposes()) {
                if (rules.stream().allMatch(other -> other.isOptOut(purpose))) {
                    common.add(purpose);
                }
            }
        }
        return new JurisdictionRule(code, common);
    }
}
