"""newslens: the helper package of a course on reading geopolitical news critically.

It holds the course's infrastructure (finding and validating its data, loading basemaps,
widget plumbing, building handouts and exercises), not the lessons themselves: the pandas,
geopandas and matplotlib code a lesson teaches stays in the notebook.
"""

__version__ = "0.1.0"
