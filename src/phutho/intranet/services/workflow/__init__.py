"""``POST @workflow/<transition>`` on documents, with transition data."""
