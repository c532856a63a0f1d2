"""ffmpeg and ffprobe as plain functions: paths in, facts and files out. Nothing here knows Django."""
