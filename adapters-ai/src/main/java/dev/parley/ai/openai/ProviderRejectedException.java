package dev.parley.ai.openai;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;

/**
 * The provider refused the request itself (400, 401, 403, 404, ...): our configuration or request is
 * wrong, so trying again cannot help. It is {@link ErrorCode#INTERNAL_ERROR} (not retryable, the
 * client sees no provider detail) and does not count against the provider-wide breaker.
 */
public final class ProviderRejectedException extends ParleyException {
    private static final long serialVersionUID = 1L;

    private final int status;

    ProviderRejectedException(int status) {
        super(ErrorCode.INTERNAL_ERROR, "the AI provider rejected the request with HTTP " + status
                + " (see the ai_provider_rejected event)");
        this.status = status;
    }

    /** The provider's HTTP status. */
    public int status() {
        return status;
    }
}
