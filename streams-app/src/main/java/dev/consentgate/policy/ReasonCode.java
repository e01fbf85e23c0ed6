package dev.consentgate.policy;

/** Why a decision came out the way it did. Several may apply to one decision. */
public enum ReasonCode {
    /** A GRANTED consent record for the purpose held at the event's time. */
    CONSENT_GRANTED,
    /** The consent record used was captured for an ancestor of the declared purpose. */
    CONSENT_INHERITED,
    /** The customer has consent records, but none for this purpose or its ancestors at the event's time. */
    NO_CONSENT,
    /** The customer has no consent record of any kind at the event's time. */
    UNKNOWN_CUSTOMER,
    /** The record in force at the event's time is DENIED. */
    CONSENT_DENIED,
    /** The record in force at the event's time is WITHDRAWN. */
    CONSENT_WITHDRAWN,
    /** The GRANTED record had expired at the event's time. */
    CONSENT_EXPIRED,
    /** The customer requested erasure before the event's time. */
    ERASURE_REQUESTED,
    /** The event is older than the consent store's history retention: its consent cannot be known. */
    CONSENT_HISTORY_EXPIRED,
    /** The policy has no rule for the purpose or any of its ancestors. */
    UNKNOWN_PURPOSE,
    /** The event declared an empty list of purposes. */
    NO_PURPOSE,
    /** Basis contract: permitted without consent. */
    CONTRACT,
    /** Basis legal_obligation: permitted without consent. */
    LEGAL_OBLIGATION,
    /** Basis legitimate_interest and no objection on record. */
    LEGITIMATE_INTEREST,
    /** Basis legitimate_interest, but the customer objected (DENIED). */
    OBJECTION,
    /** The customer's jurisdiction makes this purpose opt-out and the customer has not opted out. */
    OPT_OUT_NOT_EXERCISED,
    /** The customer's jurisdiction makes this purpose opt-out and the customer opted out. */
    OPTED_OUT
}
