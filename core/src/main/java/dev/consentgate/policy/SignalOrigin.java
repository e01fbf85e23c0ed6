package dev.consentgate.policy;

/**
 * The privacy signal a consent statement was decoded from, as the audit record reports it.
 *
 * @param kind    {@code tcf}, {@code gpp} or {@code gpc}
 * @param value   the signal as received: the TC string, the GPP string, {@code 1} for GPC
 * @param meaning what the signal says about the statement's purpose, e.g. {@code TCF purpose 3 consent for vendor 755: not given}
 */
public record SignalOrigin(String kind, String value, String meaning) {
}
