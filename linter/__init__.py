"""fargate-lint: finds ECS/Fargate connectivity faults in infrastructure templates."""

__version__ = "0.1.0"
