"""The investment team's workspace /idle: the editor's field table, the pipeline, the page."""
