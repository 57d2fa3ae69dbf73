"""What every domain uses: model mixins, permissions, audit trail, listings and exports, errors."""
