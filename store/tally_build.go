package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"lamtheo/flows"
)

// tallySources pairs each bucket of the tally index with the bucket of the
// records it mirrors and the digest of one record: its key in the index
// and its bytes. The roster's digests are the values of its cell index
// (own false), whose keys PutRosterEntry has always kept: the build
// writes their values, and never empties the bucket.
var tallySources = []struct {
	index, records []byte
	own            bool // the bucket is the tally index's own
	digest         func(k, v []byte) (key, digest []byte, err error)
}{
	{bucketTallyMembers, bucketMembers, true, func(k, v []byte) ([]byte, []byte, error) {
		if len(k) != 8 {
			return nil, nil, nil
		}
		m, err := decodeMember(flows.MemberID(binary.BigEndian.Uint64(k)), v)
		return k, encodeMemberTally(&m), err
	}},
	{bucketTallyReports, bucketReports, true, func(k, v []byte) ([]byte, []byte, error) {
		if len(k) != 12 {
			return nil, nil, nil
		}
		r, err := decodeReport(flows.Month(binary.BigEndian.Uint32(k)), flows.MemberID(binary.BigEndian.Uint64(k[4:])), v)
		return k, encodeReportTally(r), err
	}},
	{bucketTallyPledges, bucketPledges, true, func(k, v []byte) ([]byte, []byte, error) {
		if len(k) != pledgeKeyLen {
			return nil, nil, nil
		}
		member, year := flows.MemberID(binary.BigEndian.Uint64(k)), binary.BigEndian.Uint32(k[8:])
		p, err := decodePledge(member, int(year), v)
		return tallyKey(year, member), encodePledgeTally(p), err
	}},
	{bucketRosterCell, bucketRoster, false, func(k, v []byte) ([]byte, []byte, error) {
		if len(k) != 8 {
			return nil, nil, nil
		}
		e, err := decodeRosterEntry(flows.RosterID(binary.BigEndian.Uint64(k)), v)
		if err != nil {
			return k, nil, err
		}
		key, err := rosterCellKey(e.Cell, e.ID)
		return key, encodeRosterTally(&e), err
	}},
}

// tallyBatch is how many digests one transaction of buildTally writes:
// the upgrade of a big file holds one batch in memory at a time. A
// variable so that a test can make batches small.
var tallyBatch = 50000

// buildTally writes the tally index of every record, in place of whatever
// the index held: the upgrade to schema 8, which Open runs before the
// schema's migrations (see migrations[7]), in transactions of tallyBatch
// digests. A file whose upgrade stops half way keeps its older schema, and
// the next Open builds the index again. A record that cannot be decoded
// gets no digest: the engine sets it aside, as it did before.
func buildTally(bdb *bolt.DB) error {
	for _, src := range tallySources {
		err := bdb.Update(func(btx *bolt.Tx) error {
			if !src.own {
				_, err := btx.CreateBucketIfNotExists(src.index)
				return err
			}
			if err := btx.DeleteBucket(src.index); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
				return err
			}
			_, err := btx.CreateBucket(src.index)
			return err
		})
		if err != nil {
			return fmt.Errorf("tally %s: %w", src.index, err)
		}
		var from []byte // the first record of the next batch; nil: the first of all
		for done := false; !done; {
			err := bdb.Update(func(btx *bolt.Tx) error {
				records := btx.Bucket(src.records)
				if records == nil { // a file older than these records
					done = true
					return nil
				}
				index := btx.Bucket(src.index)
				// Written in key order (pledges: in each year's order; the
				// roster's cell index: its values grow in place), so full
				// pages stay full.
				index.FillPercent = 1
				c := records.Cursor()
				k, v := c.First()
				if from != nil {
					k, v = c.Seek(from)
				}
				for n := 0; k != nil; k, v = c.Next() {
					if n == tallyBatch {
						from = bytes.Clone(k)
						return nil
					}
					key, digest, err := src.digest(k, v)
					if err != nil && !errors.Is(err, errCorrupt) {
						return fmt.Errorf("%x: %w", k, err)
					}
					if key == nil || err != nil {
						continue // a damaged record: the engine sets it aside as before
					}
					if err := index.Put(key, digest); err != nil {
						return fmt.Errorf("%x: %w", k, err)
					}
					n++
				}
				done = true
				return nil
			})
			if err != nil {
				return fmt.Errorf("tally of %s: %w", src.records, err)
			}
		}
	}
	return nil
}

// checkTally compares the tally index with the records: every record has
// its digest, equal to the one its record gives, and the index holds no
// other (a damaged record, which the engine sets aside, may have a digest
// or not). It returns what differs first, nil when they match.
func checkTally(btx *bolt.Tx) error {
	for _, src := range tallySources {
		index := btx.Bucket(src.index)
		if index == nil {
			return fmt.Errorf("the tally index has no bucket %s", src.index)
		}
		n := 0
		c := btx.Bucket(src.records).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			key, digest, err := src.digest(k, v)
			if key == nil {
				continue
			}
			if err != nil {
				// A damaged record, which the engine sets aside: its
				// digest, if any, is the one of the record it was (the
				// roster's cell index has its key whatever).
				if !src.own || index.Get(key) != nil {
					n++
				}
				continue
			}
			n++
			if got := index.Get(key); !bytes.Equal(got, digest) {
				return fmt.Errorf("the tally index (%s) does not match the record %s %x", src.index, src.records, k)
			}
		}
		if got := index.Stats().KeyN; got != n {
			return fmt.Errorf("the tally index (%s) has %d digests for %d records", src.index, got, n)
		}
	}
	return nil
}
