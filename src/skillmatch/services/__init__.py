"""The services the facade (:class:`skillmatch.app.SkillMatch`) composes, one concern
each: the shared resources (:mod:`.context`), taxonomies and indexes
(:mod:`.taxonomies`), the skill linker (:mod:`.linking`), stored records
(:mod:`.records`), the read caches every flow reads (:mod:`.state`) and model training
(:mod:`.models`). The flows themselves live in :mod:`skillmatch.flows`."""
