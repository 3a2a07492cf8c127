"""Operations visibility: metrics, health checks and structured logs."""
