package dev.consentgate.policy;

import java.util.regex.Pattern;

/** The jurisdiction codes a policy may name. */
final class JurisdictionCodes {

    /** ISO 3166-1 alpha-2 country or region code, optionally with a subdivision: EU, BR, US-CA. */
    private static final Pattern CODE = Pattern.compile("[A-Z]{2}(-[A-Z0-9]{1,3})?");

    private JurisdictionCodes() {
    }

    /** The code itself, once checked; for {@link YamlNodes#parse}. */
    static String of(String code) {
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("jurisdiction code '" + code
                    + "' must be two capital letters, optionally followed by '-' and 1 to 3 capitals or digits (EU, BR, US-CA)");
        }
        return code;
    }
}
