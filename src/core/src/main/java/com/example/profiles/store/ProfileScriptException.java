package com.example.profiles.store;

/**
 * Redis ran a profile script and the script failed (a Lua error, a command error such as
 * WRONGTYPE): a fault of the stored data or of the script, not of the store's availability, so a
 * retry would fail the same way. Every update script reads and checks everything before its first
 * write, so such a failure wrote nothing. Answered as an internal error (HTTP 500), never as
 * "store unavailable" (503).
 */
public class ProfileScriptException extends RuntimeException {

    public ProfileScriptException(String message, Throwable cause) {
        super(message, cause);
    }
}
