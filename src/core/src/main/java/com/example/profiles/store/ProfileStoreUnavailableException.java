package com.example.profiles.store;

/**
 * Redis could not be reached or refused the command. The update script either ran entirely or not
 * at all, so the event is safe to retry as it is.
 */
public class ProfileStoreUnavailableException extends RuntimeException {

    public ProfileStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
