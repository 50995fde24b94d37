"""Time: the working-day calendar, report periods, the reminder planner, the outbox sender."""
