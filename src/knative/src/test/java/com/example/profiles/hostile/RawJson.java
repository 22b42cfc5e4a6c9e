package com.example.profiles.hostile;

import java.util.ArrayList;
import java.util.List;

/**
 * A JSON object written member by member, each value as raw JSON text, so a test can send what no
 * serializer would write: a key twice, {@code 1e1000000}, an unpaired surrogate escape.
 */
final class RawJson {

    private final List<String[]> members = new ArrayList<>();

    /** Sets the member (replacing it where it is, else adding it at the end). */
    RawJson set(String name, String rawValue) {
        for (String[] member : members) {
            if (member[0].equals(name)) {
                member[1] = rawValue;
                return this;
            }
        }
        members.add(new String[] { name, rawValue });
        return this;
    }

    /** Adds the member even if the key is there already: a duplicate key. */
    RawJson add(String name, String rawValue) {
        members.add(new String[] { name, rawValue });
        return this;
    }

    RawJson remove(String name) {
        members.removeIf(member -> member[0].equals(name));
        return this;
    }

    RawJson copy() {
        RawJson copy = new RawJson();
        members.forEach(member -> copy.members.add(member.clone()));
        return copy;
    }

    @Override
    public String toString() {
        StringBuilder json = new StringBuilder("{");
        for (String[] member : members) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(str(member[0])).append(':').append(member[1]);
        }
        return json.append('}').toString();
    }

    /** A JSON string literal; every character outside printable ASCII is written as a \\u escape, so surrogates survive as such. */
    static String str(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7E) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }
}
