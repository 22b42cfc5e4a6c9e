package com.example.profiles.profile;

/** No profile is stored for the user: never seen, or erased. Answered 404 over HTTP. */
public class ProfileNotFoundException extends RuntimeException {

    public ProfileNotFoundException(String userId) {
        super("no profile for user " + userId);
    }
}
