package dev.consentgate.policy;

import java.util.Map;
import java.util.Set;

/**
 * How a TCF v2 TC string becomes consent statements: per TCF purpose and special feature, the policy's purpose keys.
 *
 * @param vendorId        the vendor (Global Vendor List id) whose consent counts: a purpose is given only with this
 *                        vendor's consent (or, where TCF 2.2 allows it, legitimate interest) as well as the purpose's
 * @param purposes        TCF purpose number (1 to 11) → purpose keys
 * @param specialFeatures TCF special feature number (1, 2) → purpose keys; opt-in, for every vendor alike
 */
public record TcfMapping(int vendorId, Map<Integer, Set<Purpose>> purposes, Map<Integer, Set<Purpose>> specialFeatures) {

    /** TCF 2.2 defines purposes 1 to 11. */
    public static final int PURPOSES = 11;
    /** TCF 2.2 defines special features 1 and 2. */
    public static final int SPECIAL_FEATURES = 2;

    public TcfMapping {
        purposes = Map.copyOf(purposes);
        specialFeatures = Map.copyOf(specialFeatures);
    }

    /**
     * Whether TCF 2.2 lets a vendor rely on legitimate interest for the purpose: never for purpose 1 (storing or
     * accessing information on a device) nor for purposes 3 to 6 (personalised advertising and content profiles,
     * and their use), which need consent.
     */
    public static boolean allowsLegitimateInterest(int purpose) {
        return purpose == 2 || purpose >= 7 && purpose <= PURPOSES;
    }
}
