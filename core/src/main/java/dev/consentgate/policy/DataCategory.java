package dev.consentgate.policy;

import java.util.Collection;
import java.util.Optional;

/** What a field holds: a dotted fideslang data-category key such as {@code user.contact.email}. */
public record DataCategory(String key) implements Comparable<DataCategory> {

    /**
     * Personal data of unknown kind: the category of a field that neither its schema nor the policy categorizes,
     * so that it passes only where a purpose allows {@code user} itself.
     */
    public static final DataCategory PERSONAL = new DataCategory("user");

    public DataCategory {
        DottedKey.requireValid(key, "data category");
    }

    public static DataCategory of(String key) {
        return new DataCategory(key);
    }

    /** True when this category is {@code other} or one of its ancestors. */
    public boolean covers(DataCategory other) {
        return DottedKey.covers(key, other.key);
    }

    /** True for personal data: {@code user} or one of its descendants. */
    public boolean isPersonal() {
        return PERSONAL.covers(this);
    }

    /** True when any of {@code categories} covers this one. */
    public boolean isCoveredByAny(Collection<DataCategory> categories) {
        return categories.stream().anyMatch(c -> c.covers(this));
    }

    /** The most specific of {@code categories} that covers this one, if any. */
    public Optional<DataCategory> mostSpecificCoveringIn(Collection<DataCategory> categories) {
        return categories.stream()
                .filter(c -> c.covers(this))
                .max((a, b) -> Integer.compare(DottedKey.depth(a.key), DottedKey.depth(b.key)));
    }

    @Override
    public int compareTo(DataCategory o) {
        return key.compareTo(o.key);
    }

    @Override
    public String toString() {
        return key;
    }
}
