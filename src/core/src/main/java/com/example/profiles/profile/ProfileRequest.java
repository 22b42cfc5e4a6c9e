package com.example.profiles.profile;

import jakarta.validation.constraints.NotNull;

import com.example.profiles.core.UserId;

/** The data of a {@code com.example.profiles.profile.requested.v1} CloudEvent: whose profile to read. */
public record ProfileRequest(@NotNull @UserId String userId) {
}
